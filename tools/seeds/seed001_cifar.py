# Seed 001: CIFAR-10 with ToTensor + Normalize, DataLoader(batch 4, shuffle, 2 workers), CNNNet, SGD with
# momentum, overall and per-class accuracy. Runs on a small synthetic CIFAR-10 in the real binary format.
import os
import sys
import torch
import torchvision
import torchvision.transforms as transforms
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

sys.path.insert(0, os.path.dirname(__file__))
from synthetic_cifar import write_cifar10


class SyntheticCIFAR10(torchvision.datasets.CIFAR10):
    """torchvision's CIFAR10 reads the pickled version; this reads the binary one, like Flambeau."""

    def __init__(self, root, train=True, transform=None):
        self.transform, self.target_transform = transform, None
        names = ['data_batch_%d.bin' % i for i in range(1, 6)] if train else ['test_batch.bin']
        raw = b''.join(open(os.path.join(root, 'cifar-10-batches-bin', n), 'rb').read() for n in names)
        import numpy as np
        rec = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3073)
        self.targets = [int(t) for t in rec[:, 0]]
        self.data = rec[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()



def main():
    torch.manual_seed(0)
    write_cifar10('./data', 40)

    transform = transforms.Compose(
        [transforms.ToTensor(),
         transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    trainset = SyntheticCIFAR10(root='./data', train=True, transform=transform)
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True, num_workers=2)
    testset = SyntheticCIFAR10(root='./data', train=False, transform=transform)
    testloader = torch.utils.data.DataLoader(testset, batch_size=4, shuffle=True, num_workers=2)
    classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')

    dataiter = iter(trainloader)
    images, labels = next(dataiter)
    print(' '.join('%5s' % classes[labels[j]] for j in range(4)))
    print(images.shape)


    class CNNNet(nn.Module):
        def __init__(self):
            super(CNNNet, self).__init__()
            self.conv1 = nn.Conv2d(in_channels=3, out_channels=8, kernel_size=5, stride=1)
            self.pool1 = nn.MaxPool2d(kernel_size=2, stride=2)
            self.conv2 = nn.Conv2d(in_channels=8, out_channels=16, kernel_size=3, stride=1)
            self.pool2 = nn.MaxPool2d(kernel_size=2, stride=2)
            self.fc1 = nn.Linear(576, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = self.pool1(F.relu(self.conv1(x)))
            x = self.pool2(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 6 * 6)
            x = F.relu(self.fc2(F.relu(self.fc1(x))))
            return x


    net = CNNNet()
    print("net have {} paramerters in total".format(sum(x.numel() for x in net.parameters())))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    print(net)
    print(nn.Sequential(*list(net.children())[:4]))

    for epoch in range(1):
        running_loss = 0.0
        for i, data in enumerate(trainloader, 0):
            inputs, labels = data
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 10 == 9:
                print('[%d, %5d] loss: %.3f' % (epoch + 1, i + 1, running_loss / 10))
                running_loss = 0.0
    print('Finished Training')

    dataiter = iter(testloader)
    images, labels = next(dataiter)
    print('GroundTruth: ', ' '.join('%5s' % classes[labels[j]] for j in range(4)))
    outputs = net(images)
    _, predicted = torch.max(outputs, 1)
    print('Predicted: ', ' '.join('%5s' % classes[predicted[j]] for j in range(4)))

    correct = 0
    total = 0
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            outputs = net(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    print('Accuracy of the network on the %d test images: %d %%' % (total, 100 * correct / total))

    class_correct = list(0. for i in range(10))
    class_total = list(0. for i in range(10))
    with torch.no_grad():
        for data in testloader:
            images, labels = data
            outputs = net(images)
            _, predicted = torch.max(outputs, 1)
            c = (predicted == labels).squeeze()
            for i in range(4):
                label = labels[i]
                class_correct[label] += c[i].item()
                class_total[label] += 1
    for i in range(10):
        print('Accuracy of %5s : %2d %%' % (classes[i], 100 * class_correct[i] / max(class_total[i], 1)))


if __name__ == '__main__':
    main()
