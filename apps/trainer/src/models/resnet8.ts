/**
 * A small ResNet (He et al. 2016, the CIFAR variant): a 3×3 stem and three stages of one basic
 * block each (16, 32, 64 channels; stride 2 between stages), global average pooling, a linear head.
 */
import { nn, type Tensor } from 'flambeau';
const F = nn.functional;

export class BasicBlock extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  shortcut: nn.Sequential;

  constructor(inPlanes: number, planes: number, stride = 1) {
    super();
    this.conv1 = new nn.Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = new nn.Conv2d(planes, planes, 3, { padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(planes);
    // A 1×1 projection where the shape changes, the identity elsewhere (ResNet's option B).
    this.shortcut = stride !== 1 || inPlanes !== planes
      ? new nn.Sequential(new nn.Conv2d(inPlanes, planes, 1, { stride, bias: false }), new nn.BatchNorm2d(planes))
      : new nn.Sequential();
  }

  override forward(x: Tensor): Tensor {
    const out = this.bn2(this.conv2(F.relu(this.bn1(this.conv1(x)))));
    return F.relu(out.add(this.shortcut(x)));
  }
}

export class ResNet8 extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  layer1: BasicBlock;
  layer2: BasicBlock;
  layer3: BasicBlock;
  avgpool: nn.AdaptiveAvgPool2d;
  fc: nn.Linear;

  constructor(inChannels = 3, numClasses = 10) {
    super();
    this.conv1 = new nn.Conv2d(inChannels, 16, 3, { padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(16);
    this.layer1 = new BasicBlock(16, 16);
    this.layer2 = new BasicBlock(16, 32, 2);
    this.layer3 = new BasicBlock(32, 64, 2);
    this.avgpool = new nn.AdaptiveAvgPool2d(1);
    this.fc = new nn.Linear(64, numClasses);
  }

  override forward(x: Tensor): Tensor {
    x = F.relu(this.bn1(this.conv1(x)));
    x = this.layer3(this.layer2(this.layer1(x)));
    return this.fc(this.avgpool(x).flatten(1));
  }
}
