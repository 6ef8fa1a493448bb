"""Discussion on questions: comments and replies, moderation, mentions and follows."""
