"""Docker rules: what the image that ships looks like."""
