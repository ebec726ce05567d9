using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Gguf;

/// <summary>
/// Writes a Llama as a GGUF v3 file that llama.cpp (and so Ollama, LM Studio, LLamaSharp) loads:
/// <c>llama</c> architecture metadata, the tokenizer, and the weights under llama.cpp's tensor
/// names, with q/k rows put back into llama.cpp's rotary layout as convert_hf_to_gguf.py does.
/// </summary>
public static class GgufExporter
{
    /// <summary>Writes <paramref name="model"/> with <paramref name="vocabulary"/> to <paramref name="path"/>.</summary>
    /// <returns>The type each tensor was stored as (1-D tensors stay f32; see <see cref="GgufTensorPlan"/>).</returns>
    public static IReadOnlyDictionary<string, GgufTensorType> Write(LlamaForCausalLM model, GgufVocabulary vocabulary, GgufExportOptions options, string path)
    {
        var config = model.Config;
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("general.name", options.Name)
            .Add("general.file_type", GgufTensorPlan.FileType(options.Type))
            .Add("general.quantization_version", 2u)
            .Add("llama.context_length", (uint)config.MaxPositionEmbeddings)
            .Add("llama.embedding_length", (uint)config.HiddenSize)
            .Add("llama.block_count", (uint)config.NumHiddenLayers)
            .Add("llama.feed_forward_length", (uint)config.IntermediateSize)
            .Add("llama.rope.dimension_count", (uint)config.HeadDim)
            .Add("llama.attention.head_count", (uint)config.NumAttentionHeads)
            .Add("llama.attention.head_count_kv", (uint)config.KeyValueHeads)
            .Add("llama.attention.layer_norm_rms_epsilon", (float)config.RmsNormEps)
            .Add("llama.rope.freq_base", (float)config.RopeTheta)
            .Add("llama.vocab_size", (uint)config.VocabSize);
        if (config.HeadDimOverride is not null)
            writer.Add("llama.attention.key_length", (uint)config.HeadDim).Add("llama.attention.value_length", (uint)config.HeadDim);
        GgufTokenizerMetadata.Add(writer, vocabulary, config, options.ChatTemplate, options.EndOfTurnId);

        var types = new Dictionary<string, GgufTensorType>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (hfName, parameter) in model.named_parameters())
        {
            var name = GgufTensorPlan.Name(hfName);
            var weight = parameter.detach().to(ScalarType.Float32, CPU);
            if (hfName.EndsWith("q_proj.weight", StringComparison.Ordinal)) weight = Unpermute(weight, config.NumAttentionHeads);
            if (hfName.EndsWith("k_proj.weight", StringComparison.Ordinal)) weight = Unpermute(weight, config.KeyValueHeads);
            var type = GgufTensorPlan.TypeFor(name, weight.shape, options.Type, tied: model.lm_head is null);
            var values = weight.contiguous().data<float>().ToArray();
            writer.AddTensor(name, weight.shape, type, GgufQuantizer.Encode(values, type));
            types[name] = type;
        }

        var temporary = path + ".partial";
        writer.Write(temporary);
        File.Move(temporary, path, overwrite: true);
        return types;
    }

    // HF checkpoints store each head's rows as [first halves of the rotary pairs; second halves]
    // (rotate_half); llama.cpp's rope pairs neighbouring rows. Same reshape as
    // convert_hf_to_gguf.py's LlamaModel.permute: (heads, 2, dim/2, in) -> (heads, dim/2, 2, in).
    private static Tensor Unpermute(Tensor weight, int heads)
    {
        var (rows, columns) = (weight.shape[0], weight.shape[1]);
        return weight.reshape(heads, 2, rows / heads / 2, columns).swapaxes(1, 2).reshape(rows, columns);
    }
}
