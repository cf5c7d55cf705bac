import { FlambeauError } from '@flambeau/tensor';

/**
 * Why a model cannot be exported (torch.onnx's `UnsupportedOperatorError` / `OnnxExporterError`).
 * Messages read `cannot export <op> (<module path>): <reason>`.
 */
export class OnnxExportError extends FlambeauError { static override readonly __name__ = 'OnnxExportError'; }

/** A model file that breaks the ONNX spec (what `onnx.checker.ValidationError` reports). */
export class OnnxValidationError extends FlambeauError { static override readonly __name__ = 'OnnxValidationError'; }

/** `cannot export <what> (<module path>): <reason>`, the one shape of every export error. */
export function exportError(what: string, path: string, reason: string): OnnxExportError {
  return new OnnxExportError(`cannot export ${what} (${path === '' ? '<top>' : path}): ${reason}`);
}
