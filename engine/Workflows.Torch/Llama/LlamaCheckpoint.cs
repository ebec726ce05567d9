using Workflows.Torch.Checkpoints;

namespace Workflows.Torch.Llama;

/// <summary>
/// Where a model's files are: a Hugging Face folder (<c>config.json</c> + <c>model.safetensors</c>
/// or <c>model.safetensors.index.json</c>), or a llama2.c <c>.bin</c> file.
/// </summary>
public static class LlamaCheckpoint
{
    /// <summary>Opens the weights and reads the architecture of the model at <paramref name="path"/>.</summary>
    /// <exception cref="ModelLoadException">Nothing loadable at the path, or the files are bad.</exception>
    public static (LlamaConfig Config, ITensorSource Tensors, string ConfigPath) Open(string path)
    {
        if (File.Exists(path))
        {
            if (path.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
            {
                var llama2c = Llama2cCheckpoint.Open(path);
                return (llama2c.Config, llama2c, path);
            }

            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
            {
                var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
                var configPath = System.IO.Path.Combine(folder, "config.json");
                var config = LlamaConfig.Load(configPath);
                ITensorSource source = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ShardedSafetensors.Open(path) : SafetensorsFile.Open(path);
                return (config, source, configPath);
            }

            throw new ModelLoadException($"{path}: not a model file; give a Hugging Face model folder, a .safetensors file or a llama2.c .bin file");
        }

        if (!Directory.Exists(path))
        {
            throw new ModelLoadException($"{path}: model path not found; give a Hugging Face model folder or a llama2.c .bin file");
        }

        var hfConfig = System.IO.Path.Combine(path, "config.json");
        var single = System.IO.Path.Combine(path, "model.safetensors");
        var index = System.IO.Path.Combine(path, "model.safetensors.index.json");
        if (File.Exists(single) || File.Exists(index))
        {
            var config = LlamaConfig.Load(hfConfig);
            ITensorSource source = File.Exists(single) ? SafetensorsFile.Open(single) : ShardedSafetensors.Open(index);
            return (config, source, hfConfig);
        }

        throw new ModelLoadException($"{path}: no model.safetensors or model.safetensors.index.json in this folder; give a Hugging Face model folder or a llama2.c .bin file");
    }
}
