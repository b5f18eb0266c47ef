"""The Qt views: they present the player's state and send it commands, nothing more."""
