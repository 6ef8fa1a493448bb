"""What the web pages and the API share: login, errors, guards, downloads."""
