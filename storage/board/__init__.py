"""Storage of the public board (信息公开): how-to pages, matters followed."""
