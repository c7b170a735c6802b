// torch.interpret.visualization: Captum's captum.attr.visualization, drawing into pixels (PNG, SVG) and HTML.
export { visualizeImageAttr, visualizeImageAttrMultiple, normalizeImageAttr, Figure, type VisualizeImageAttrOptions, type VisualizeSign, type ImageVisualizationMethod, type ImageArray } from "./image.ts";
export { getColormap, colorAt, COLORMAPS, type Colormap, type Rgb } from "./colormap.ts";
export { visualizeText, formatWordImportances, VisualizationDataRecord, attributionColor } from "./text.ts";
