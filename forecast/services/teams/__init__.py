"""Teams: private workspaces, their members and invitations, and who sees their items."""
