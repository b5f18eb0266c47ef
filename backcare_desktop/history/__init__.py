"""The person's session history and comfort check-ins, kept on this computer only."""
