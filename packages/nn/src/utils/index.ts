/** `torch.nn.utils`. */
export * from './clip_grad.js';
export * from './convert_parameters.js';
