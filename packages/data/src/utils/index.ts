/** torchvision.utils: `makeGrid`, `saveImage`. */
export { makeGrid, type MakeGridOptions } from './make_grid.js';
export { saveImage } from './save_image.js';
