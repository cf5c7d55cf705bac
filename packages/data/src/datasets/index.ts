/** torchvision.datasets: MNIST, FashionMNIST, CIFAR10, CIFAR100, ImageFolder. */
export { VisionDataset, type VisionDatasetOptions } from './vision.js';
export { MNIST, FashionMNIST, readIdx, type MNISTOptions } from './mnist.js';
export { CIFAR10, CIFAR100, type CIFAROptions } from './cifar.js';
export { ImageFolder, IMG_EXTENSIONS, type ImageFolderOptions } from './image_folder.js';
export { downloadUrl, downloadResources, extractTarGz, type Resource } from './download.js';
