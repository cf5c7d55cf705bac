# Seed 004 (pool2d.py), as written in the tutorial: pooling on a 1x2x4x4 image.
import torch

img = torch.tensor([[[0.0,0.0,0.0,0.0],[1.0,1.0,1.0,1.0],[2.0,2.0,2.0,2.0],[3.0,3.0,3.0,3.0]],[[4.0,4.0,4.0,4.0],[5.0,5.0,5.0,5.0],[6.0,6.0,6.0,6.0],[7.0,7.0,7.0,7.0]]]).reshape([1,2,4,4])
print(img)
print(img[0][0])
print(img[0][1])
pooling = torch.nn.functional.max_pool2d(img,kernel_size=2)
print("pooling :",pooling)
pooling1 = torch.nn.functional.max_pool2d(img,kernel_size=2,stride=1)
print("pooling1 :",pooling1)
pooling2 = torch.nn.functional.avg_pool2d(img,kernel_size=2,stride=1,padding=1)
print("pooling2 :",pooling2)
pooling3 = torch.nn.functional.avg_pool2d(img,kernel_size=4)
print("pooling3 :",pooling3)
m1 = img.mean(3)
print("第1次均值结果",m1)
print("第2次均值结果",m1.mean(2))

# MaxPool1d and the module forms from the same section.
x = torch.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 0.0, 7.0]]])
print(torch.nn.MaxPool1d(2)(x))
print(torch.nn.MaxPool1d(3, stride=2, padding=1, return_indices=True)(x))
print(torch.nn.MaxPool2d(3, stride=2))
print(torch.nn.AvgPool2d(2, stride=1, padding=1))
print(torch.nn.AdaptiveAvgPool2d((1, 1))(img))
