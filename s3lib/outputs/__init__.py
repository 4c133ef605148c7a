"""What people look at: the card, the EU atlas, the gallery, the slides and the live app."""
