"""Architecture rules: layers point one way, and modules do not import each other in circles."""
