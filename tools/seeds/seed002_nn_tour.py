# Seed 002: the torch.nn tour (the TypeScript port also writes the SummaryWriter events); CIFAR-10 is
# the synthetic one in the real binary format; the closing SGD loop runs 5 epochs instead of 20.
import os
import sys
import torch
import torchvision
from torch import nn
from torch.nn import Conv2d, MaxPool2d, ReLU, Sigmoid, Linear, Flatten, Sequential
from torch.utils.data import DataLoader
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from synthetic_cifar import write_cifar10
from seed001_cifar import SyntheticCIFAR10  # noqa: E402  (reuses the binary reader, runs nothing else)

torch.manual_seed(0)
write_cifar10('./data', 128)


class ykModule(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, input):
        output = input + 1
        return output


yk = ykModule()
x = torch.tensor(1.0)
output = yk(x)
print(output)

input = torch.tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [2, 1, 0, 1, 1], [2, 1, 0, 1, 1]])
ker_nal = torch.tensor([[1, 2, 1], [0, 1, 0], [2, 1, 0]])
input = torch.reshape(input, (1, 1, 5, 5))
ker_nal = torch.reshape(ker_nal, (1, 1, 3, 3))
output = F.conv2d(input, ker_nal, stride=1)
print(output)
output2 = F.conv2d(input, ker_nal, stride=2)
print(output2)
output3 = F.conv2d(input, ker_nal, stride=1, padding=1)
print(output3)

dataset = SyntheticCIFAR10("./data", train=False, transform=torchvision.transforms.ToTensor())
loader = DataLoader(dataset, batch_size=64)


class Yk(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = Conv2d(in_channels=3, out_channels=6, kernel_size=(3, 3), stride=(1, 1), padding=0)

    def forward(self, x):
        x = self.conv1(x)
        return x


yk = Yk()
print(yk)
for data in loader:
    imgs, targets = data
    output = yk(imgs)
    print(imgs.shape)
    print(output.shape)
    output = torch.reshape(output, (-1, 3, 30, 30))
    print(output.shape)

input = torch.tensor([[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]], dtype=torch.float32)
input = torch.reshape(input, (-1, 1, 5, 5))


class YkPool(nn.Module):
    def __init__(self, ceil_mode):
        super(YkPool, self).__init__()
        self.maxpool1 = MaxPool2d(kernel_size=3, ceil_mode=ceil_mode)

    def forward(self, input):
        output = self.maxpool1(input)
        return output


print(YkPool(True)(input))
print(YkPool(False)(input))

input = torch.tensor([[1, -0.5], [-1, 3]])
input = torch.reshape(input, (-1, 1, 2, 2))


class YkAct(nn.Module):
    def __init__(self):
        super(YkAct, self).__init__()
        self.relu1 = ReLU()
        self.sigmoid1 = Sigmoid()

    def forward(self, input):
        return self.relu1(input), self.sigmoid1(input)


r, s = YkAct()(input)
print(r)
print(s)

dataLoad = DataLoader(dataset, batch_size=64, drop_last=True)


class YkLinear(nn.Module):
    def __init__(self):
        super(YkLinear, self).__init__()
        self.learner1 = Linear(196608, 10)

    def forward(self, input):
        output = self.learner1(input)
        return output


yk = YkLinear()
for data in dataLoad:
    imgs, targets = data
    print(imgs.shape)
    output = torch.flatten(imgs)
    print(output.shape)
    output = yk(output)
    print(output.shape)


class Yk(nn.Module):
    def __init__(self):
        super(Yk, self).__init__()
        self.model1 = Sequential(Conv2d(3, 32, 5, padding=2), MaxPool2d(2), Conv2d(32, 32, 5, padding=2), MaxPool2d(2),
                                 Conv2d(32, 64, 5, padding=2), MaxPool2d(2), Flatten(), Linear(1024, 64), Linear(64, 10))

    def forward(self, x):
        x = self.model1(x)
        return x


yk = Yk()
print(yk)
input = torch.ones((64, 3, 32, 32))
output = yk(input)
print(output.shape)

inputs = torch.tensor([1, 2, 3], dtype=torch.float32)
targets = torch.tensor([1, 2, 5], dtype=torch.float32)
print(nn.L1Loss()(inputs, targets))
print(nn.L1Loss(reduction='sum')(inputs, targets))
print(nn.MSELoss()(inputs, targets))
x = torch.tensor([0.1, 0.2, 0.3]).reshape((1, 3))
y = torch.tensor([1])
print(nn.CrossEntropyLoss()(x, y))
print(nn.BCELoss()(torch.tensor([0.8, 0.2, 0.6]), torch.tensor([1.0, 0.0, 1.0])))

mse_loss = nn.MSELoss()
data = torch.randn(10, 3)
labels = torch.randn(10, 3)
model = nn.Linear(3, 3)
predictions = model(data)
loss = mse_loss(predictions, labels)
print(loss)
loss.backward()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
optimizer.step()
print(mse_loss(model(data), labels))

dataloader = DataLoader(dataset, batch_size=64, drop_last=True)
loss = nn.CrossEntropyLoss()
yk = Yk()
optim = torch.optim.SGD(yk.parameters(), lr=0.01)
for epoch in range(5):
    running_loss = 0.0
    for data in dataloader:
        imgs, targets = data
        output = yk(imgs)
        result_loss = loss(output, targets)
        optim.zero_grad()
        result_loss.backward()
        optim.step()
        running_loss = result_loss + running_loss
    print(running_loss)
