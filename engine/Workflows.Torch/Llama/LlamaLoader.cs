using TorchSharp;
using Workflows.Torch.Checkpoints;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>Builds <see cref="LlamaForCausalLM"/> models from checkpoints or from random weights.</summary>
public static class LlamaLoader
{
    /// <summary>
    /// Loads the model at <paramref name="path"/> (see <see cref="LlamaCheckpoint.Open"/>) onto
    /// <paramref name="device"/> (default CPU) in <paramref name="dtype"/> (default: as stored, float32).
    /// The model is returned in eval mode.
    /// </summary>
    /// <exception cref="ModelLoadException">Missing files, a tensor missing or extra, or a shape that disagrees with the config.</exception>
    public static LlamaForCausalLM Load(string path, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var (config, tensors, configPath) = LlamaCheckpoint.Open(path);
        using (tensors)
        {
            var model = new LlamaForCausalLM(config);
            CopyWeights(model, tensors, configPath);
            model.to(device ?? CPU, dtype);
            model.eval();
            return model;
        }
    }

    /// <summary>
    /// A model of the given shape with HF's initialisation (normal(0, 0.02) weights, zero biases, unit norms),
    /// reproducible from <paramref name="seed"/>; for benchmarks and tests.
    /// </summary>
    public static LlamaForCausalLM CreateRandom(LlamaConfig config, long seed, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        config.Validate("random model");
        var model = new LlamaForCausalLM(config);
        var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.EndsWith("norm.weight", StringComparison.Ordinal))
                {
                    parameter.fill_(Scalars.Of(1.0));
                }
                else if (name.EndsWith(".bias", StringComparison.Ordinal))
                {
                    parameter.zero_();
                }
                else
                {
                    parameter.normal_(0.0, 0.02, generator);
                }
            }
        }

        model.to(device ?? CPU, dtype);
        model.eval();
        return model;
    }

    private static void CopyWeights(LlamaForCausalLM model, ITensorSource tensors, string configPath)
    {
        var expected = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var name in tensors.Names)
        {
            if (expected.ContainsKey(name) || IsIgnorable(name, model.Config))
            {
                continue;
            }

            throw new ModelLoadException($"{tensors.Path}: unexpected tensor '{name}', which a {model.Config.ModelType} model built from {configPath} does not have; the checkpoint and config disagree");
        }

        using var noGrad = no_grad();
        foreach (var (name, parameter) in expected)
        {
            if (!tensors.Contains(name))
            {
                throw new ModelLoadException($"{tensors.Path}: tensor '{name}' is missing; the checkpoint does not match {configPath}");
            }

            var shape = tensors.GetShape(name);
            if (!shape.SequenceEqual(parameter.shape))
            {
                throw new ModelLoadException($"{tensors.Path}: tensor '{name}' has shape [{string.Join(", ", shape)}] but {configPath} implies [{string.Join(", ", parameter.shape)}]; the checkpoint and config disagree");
            }

            using var value = tensors.Read(name);
            parameter.copy_(value);
        }
    }

    // Older HF exports store the rotary inverse frequencies; tied models sometimes also store lm_head.
    private static bool IsIgnorable(string name, LlamaConfig config) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)
        || (config.TieWordEmbeddings && name == "lm_head.weight");
}
