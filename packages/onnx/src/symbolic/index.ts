// The mapping table, one file per group of ops (torch.onnx's symbolic_opset files); importing
// registers them.
import './elementwise.js';
import './activation.js';
import './matmul.js';
import './conv.js';
import './pooling.js';
import './reduce.js';
import './normalization.js';
import './shape.js';
import './rnn.js';
import './interpolate.js';
