// Placeholder so SwiftPM sees the target; replaced by real sources.
