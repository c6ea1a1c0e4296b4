"""The blank fillable templates."""
