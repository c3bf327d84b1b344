// Presence's colours, the same on every page: a viewer's dot, and the teacher's "look here" cue. Neither occurs
// in the camera's test pattern, so a screenshot finds them (e2e/support/pixels.ts).
export const DOT_COLOUR = '#00e5ff';
export const CUE_COLOUR = '#76ff03';
