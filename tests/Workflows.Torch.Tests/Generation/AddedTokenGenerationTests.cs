using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Adapters;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tests.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Generation;

/// <summary>Generation with trained rows of added tokens, whose head matrix each call builds once.</summary>
public class AddedTokenGenerationTests
{
    private const int Added = 512;
    private const string Prompt = "Once upon a time";

    // stories260K with two added tokens; the first one's trained row is ','s row made a little longer, so greedy
    // decoding writes it wherever ',' would win, and the rows change what is generated.
    private static (LlamaForCausalLM Model, TextTokenizer Tokenizer) WithLikelyAddedToken()
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        var tokenizer = TokenizerLoader.ForModel(SharedAssets.Stories260K, model.Config);
        var comma = tokenizer.Encode(Prompt + ",")[^1];
        TrainableTokenRows.Attach(model, TrainableTokenRows.For(model, [Added, Added + 1]));
        using (no_grad())
        {
            using var embedding = model.model.embed_tokens.weight!;
            model.model.embed_tokens_rows!.trainable_tokens_delta[0].copy_(embedding[comma] * 1.2);
        }

        model.eval();
        return (model, tokenizer.WithAddedTokens(new Dictionary<string, int> { ["<|a|>"] = Added, ["<|b|>"] = Added + 1 }));
    }

    // Greedy decoding the plain way: the whole sequence through forward (its head built for that call) at every step.
    private static List<int> Reference(LlamaForCausalLM model, IReadOnlyList<int> prompt, int count)
    {
        var tokens = prompt.ToList();
        using var noGrad = no_grad();
        for (var i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            using var ids = tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Count]);
            tokens.Add((int)model.forward(ids)[0, -1].argmax().item<long>());
        }

        return tokens[prompt.Count..];
    }

    [Test]
    public void Generate_TrainedRows_GiveTheTokensOfTheUncachedForward()
    {
        var (model, tokenizer) = WithLikelyAddedToken();
        var options = new GenerationOptions { MaxTokens = 24 };
        var alone = TextGenerator.Generate(model, tokenizer, Prompt, options);
        var batched = BatchGenerator.Generate(model, tokenizer, [Prompt, "Tom and"], options, batchSize: 2);

        Assert.That(alone.GeneratedTokens, Has.Member(Added), "the case must generate the added token");
        Assert.That(alone.GeneratedTokens, Is.EqualTo(Reference(model, tokenizer.Encode(Prompt, addBos: true), alone.GeneratedTokens.Count)));
        Assert.That(batched[0].GeneratedTokens, Is.EqualTo(alone.GeneratedTokens));
    }

    [Test]
    public void Head_WeightBuiltOnce_GivesTheLogitsOfEachCallBuildingItsOwn()
    {
        var (model, _) = WithLikelyAddedToken();
        using var noGrad = no_grad();
        using var hidden = randn([3, 5, model.Config.HiddenSize], generator: new Generator(7));
        using var weight = model.HeadWeight();
        using var shared = model.Head(hidden, weight);
        using var own = model.Head(hidden);
        Assert.That(TensorAssert.Identical(shared, own), Is.True);
        Assert.That(TensorAssert.Identical(model.Head(hidden, weight), shared), Is.True, "the weight survives its use");
    }
}
