using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Steps.Merge;

/// <summary>Logits of a model on fixed prompts, and the largest difference between two such sets.</summary>
internal static class LogitDrift
{
    /// <summary>Logits (1, T, vocab) per prompt, as float32 on the CPU.</summary>
    public static List<Tensor> Logits(LlamaForCausalLM model, TextTokenizer tokenizer, IEnumerable<string> prompts)
    {
        using var noGrad = no_grad();
        return prompts.Select(prompt =>
        {
            using var scope = NewDisposeScope();
            var ids = tensor(tokenizer.Encode(prompt).Select(i => (long)i).ToArray(), device: model.Device).unsqueeze(0); // (1, T)
            return scope.MoveToOuter(model.forward(ids).to_type(ScalarType.Float32).cpu());
        }).ToList();
    }

    /// <summary>
    /// max |merged − run time| where run time is the adapter in <paramref name="adapterFolder"/>, read back
    /// from disk, on a base loaded separately from <paramref name="baseModel"/> in float32 (evaluate's
    /// precision), made NF4 with <paramref name="quantiseBase"/> when given. Nothing is shared with the
    /// merged model, so a wrong base, quantisation or combination shows up as drift.
    /// </summary>
    public static double AgainstRuntime(LlamaForCausalLM merged, TextTokenizer tokenizer, string baseModel, string adapterFolder,
        Nf4Options? quantiseBase, IReadOnlyList<string> prompts)
    {
        using var runtime = LlamaLoader.Load(baseModel, merged.Device);
        PeftAdapterFiles.Load(runtime, adapterFolder, quantiseBase);
        runtime.eval();
        var expected = Logits(runtime, tokenizer, prompts);
        var actual = Logits(merged, tokenizer, prompts);
        try
        {
            return MaxAbs(expected, actual);
        }
        finally
        {
            foreach (var t in expected.Concat(actual)) t.Dispose();
        }
    }

    /// <summary>max |a − b| over every prompt, position and vocabulary entry.</summary>
    public static double MaxAbs(IReadOnlyList<Tensor> a, IReadOnlyList<Tensor> b) =>
        a.Zip(b, (x, y) => { using var d = (x - y).abs().max(); return d.item<float>(); }).Max();
}
