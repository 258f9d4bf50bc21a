/** Language-model workloads: the model zoo, the layer kernel generator and whole-model estimates. */
export { findModel, headDim, layerParameters, MODEL_ZOO, parameterCount, type MlpActivation, type ModelConfig, type NormKind } from './zoo.js';
export { generateKernels, KERNEL_KINDS, PHASES, type KernelKind, type KernelOptions, type LayerKernel, type Phase, type WeightPlacement } from './kernels.js';
export { estimateModel, type Bound, type KernelRun, type MethodEstimate, type ModelEstimate } from './estimate.js';
export { sampleNumerics, sampleProgram, type SampleError } from './sample.js';
