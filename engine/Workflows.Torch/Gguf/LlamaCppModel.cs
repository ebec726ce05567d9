using LLama;
using LLama.Common;
using LLama.Native;

namespace Workflows.Torch.Gguf;

/// <summary>
/// A GGUF file run by the real llama.cpp (through LLamaSharp's CPU build), to check what we write
/// the way users will run it: tokenise, greedy-generate and score token ids.
/// </summary>
public sealed class LlamaCppModel : IDisposable
{
    private static readonly Lock Quiet = new();
    /// <summary>Longest context the checks open (positions); the model's own length when shorter.</summary>
    public const int MaxContext = 2048;

    private static bool _silenced;
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Errors = new();
    private readonly LLamaWeights _weights;
    private readonly ModelParams _parameters;

    private LlamaCppModel(LLamaWeights weights, ModelParams parameters)
    {
        _weights = weights;
        _parameters = parameters;
    }

    /// <summary>Loads <paramref name="path"/> on the CPU.</summary>
    /// <exception cref="ModelLoadException">llama.cpp refuses the file.</exception>
    public static LlamaCppModel Load(string path)
    {
        lock (Quiet)
        {
            // llama.cpp logs every tensor it loads; only its errors matter here, and they go into the exception below.
            if (!_silenced) NativeLogConfig.llama_log_set((level, message) =>
            {
                if (level != LLamaLogLevel.Error) return;
                Errors.Enqueue(message.Trim());
                while (Errors.Count > 8) Errors.TryDequeue(out _);
            });
            _silenced = true;
        }

        Errors.Clear();
        var parameters = new ModelParams(path) { GpuLayerCount = 0, Threads = 1, BatchThreads = 1 };
        try
        {
            var weights = LLamaWeights.LoadFromFile(parameters);
            // Checks need short texts only; a model trained for 128K positions would otherwise get a KV cache to match.
            var context = (uint)Math.Min(weights.ContextSize, MaxContext);
            parameters.ContextSize = context;
            parameters.BatchSize = context;
            parameters.UBatchSize = context;
            return new LlamaCppModel(weights, parameters);
        }
        catch (Exception e) when (e is LLama.Exceptions.LoadWeightsFailedException or LLama.Exceptions.RuntimeError)
        {
            var said = string.Join("; ", Errors.Where(m => m.Length > 0));
            Errors.Clear();
            throw new ModelLoadException($"{path}: llama.cpp cannot load it ({(said.Length > 0 ? said : e.Message)})", e);
        }
    }

    /// <summary>llama.cpp's tokenisation of <paramref name="text"/> (with BOS when the file says to add one).</summary>
    public IReadOnlyList<int> Tokenize(string text) =>
        _weights.Tokenize(text, add_bos: true, special: false, System.Text.Encoding.UTF8).Select(t => (int)t).ToList();

    /// <summary>llama.cpp's tokenisation of <paramref name="text"/> with special and control tokens parsed
    /// (as chat templates are), without BOS.</summary>
    public IReadOnlyList<int> TokenizeSpecial(string text) =>
        _weights.Tokenize(text, add_bos: false, special: true, System.Text.Encoding.UTF8).Select(t => (int)t).ToList();

    /// <summary>The end-of-turn token llama.cpp stops chat at (<c>tokenizer.ggml.eot_token_id</c>, or found by its text), or null.</summary>
    public int? EndOfTurn => _weights.Vocab.EOT is { } eot ? (int)eot : null;

    /// <summary>The GGUF's <c>tokenizer.chat_template</c>, or null.</summary>
    public string? ChatTemplate => _weights.Metadata.TryGetValue("tokenizer.chat_template", out var template) ? template : null;

    /// <summary>Greedy continuation of <paramref name="prompt"/> (token ids), at most <paramref name="tokens"/> ids, stopping after EOS.</summary>
    public IReadOnlyList<int> Greedy(IReadOnlyList<int> prompt, int tokens, IReadOnlyCollection<int> stopIds)
    {
        using var context = _weights.CreateContext(_parameters);
        var batch = new LLamaBatch();
        for (var i = 0; i < prompt.Count; i++) batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Count - 1);
        var output = new List<int>();
        for (var position = prompt.Count; output.Count < tokens && position < context.ContextSize; position++)
        {
            Decode(context, batch);
            var next = ArgMax(context.NativeHandle.GetLogitsIth(batch.TokenCount - 1));
            output.Add(next);
            if (stopIds.Contains(next)) break;
            batch.Clear();
            batch.Add(next, position, LLamaSeqId.Zero, true);
        }

        return output;
    }

    /// <summary>Natural-log probability of each of <paramref name="ids"/>[1..] given the ids before it.</summary>
    public double[] LogLikelihoods(IReadOnlyList<int> ids)
    {
        using var context = _weights.CreateContext(_parameters);
        var batch = new LLamaBatch();
        for (var i = 0; i < ids.Count; i++) batch.Add(ids[i], i, LLamaSeqId.Zero, true);
        Decode(context, batch);
        var result = new double[ids.Count - 1];
        for (var i = 0; i + 1 < ids.Count; i++)
        {
            var logits = context.NativeHandle.GetLogitsIth(i);
            var max = double.NegativeInfinity;
            foreach (var l in logits) max = Math.Max(max, l);
            var sum = 0.0;
            foreach (var l in logits) sum += Math.Exp(l - max);
            result[i] = logits[ids[i + 1]] - max - Math.Log(sum);
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _weights.Dispose();

    private static void Decode(LLamaContext context, LLamaBatch batch)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp decode failed: {result}");
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
