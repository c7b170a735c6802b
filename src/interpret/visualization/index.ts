// torch.interpret.visualization: Captum's captum.attr.visualization, drawing into pixels (PNG, SVG) and HTML.
export { visualizeImageAttr, visualizeImageAttrMultiple, normalizeImageAttr, Figure, type VisualizeImageAttrOptions, type VisualizeSign, type ImageVisualizationMethod } from "./image.ts";
export { getColormap, colorAt, COLORMAPS, type Colormap } from "./colormap.ts";
export { visualizeText, formatWordImportances, VisualizationDataRecord, attributionColor } from "./text.ts";
