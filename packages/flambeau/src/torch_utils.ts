/** `torch.utils`: `torch.utils.data` is `@flambeau/data`. */
export * as data from '@flambeau/data';
