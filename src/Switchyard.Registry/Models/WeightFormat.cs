namespace Switchyard.Registry.Models;

/// <summary>The names <see cref="ModelFolder.Formats"/> uses for the formats of weight files.</summary>
public static class WeightFormat
{
    /// <summary>safetensors (<c>*.safetensors</c>).</summary>
    public const string Safetensors = "safetensors";

    /// <summary>GGUF (<c>*.gguf</c>), llama.cpp's format.</summary>
    public const string Gguf = "gguf";

    /// <summary>Anything <c>torch.load</c> reads, all of which carry pickles: a <c>torch.save</c> zip, a legacy raw pickle or tar (<c>*.bin</c>, <c>*.pt</c>, <c>*.pth</c>, <c>*.ckpt</c>).</summary>
    public const string PyTorchPickle = "pytorch-pickle";

    /// <summary>A plain pickle (<c>*.pkl</c>, <c>*.pickle</c>, <c>*.joblib</c>).</summary>
    public const string Pickle = "pickle";

    /// <summary>ONNX (<c>*.onnx</c>).</summary>
    public const string Onnx = "onnx";

    /// <summary>A TensorFlow SavedModel (<c>saved_model.pb</c>).</summary>
    public const string TensorFlowSavedModel = "tensorflow-savedmodel";

    /// <summary>HDF5 (legacy Keras <c>*.h5</c>).</summary>
    public const string Hdf5 = "hdf5";

    /// <summary>A Keras 3 archive (<c>*.keras</c>).</summary>
    public const string Keras = "keras";

    /// <summary>NumPy arrays (<c>*.npy</c>, <c>*.npz</c>).</summary>
    public const string Numpy = "numpy";
}
