"""Reading uploaded images with Pillow."""
