/** Defaults of `clift segment`, apart from the code so the command line can show them without loading it. */

/** Larger image side views are rendered at by default (larger frames are rendered smaller and upsampled). */
export const DEFAULT_RENDER_SIZE = 512;

/** Default share of sampled pixels drawn among the 2D segmenter's thing pixels (only things are clustered). */
export const DEFAULT_THING_SHARE = 0.75;

/**
 * Default number of rendered training pixels the clustering is fitted on. With 10⁵ (and a fit on at most 50 000
 * of them, as the reference does) the same trained run came out with 25 or 26 instances depending on the segment
 * seed; with 3·10⁵, all fitted, repeated seeds gave the same instances.
 */
export const DEFAULT_SAMPLE_PIXELS = 300000;

/** Most training views the clustering sample is drawn from (its pixels spread evenly over them). */
export const DEFAULT_SAMPLE_VIEWS = 100;

/**
 * Fewest training views `--min-cluster-size auto` scores its candidates on (appendix B.3 uses 10 % of them; on an
 * 80-view scene that is 8 views, and the choice between neighbouring cluster sizes flipped with the views drawn).
 */
export const MIN_SELECTION_VIEWS = 40;
