"""One module per chapter: each has analyse(frames, seed, reps, level) -> ChapterResult."""
