"""The public board (信息公开 / 党务公开栏): what residents may read of the community's work."""
