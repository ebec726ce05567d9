using System.Text.Json;
using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

public class LlamaForCausalLMTests
{
    private static readonly Lazy<LlamaForCausalLM> Model = new(() => LlamaLoader.Load(SharedAssets.Stories260K));

    [TestCase("safetensors")]
    [TestCase("llama2c")]
    public void Forward_Stories260K_MatchesPyTorchReferenceWithin1e4(string format)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedAssets.Fixture("reference_logits.json")));
        var root = document.RootElement;
        var tokens = root.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt64()).ToArray();
        var positions = root.GetProperty("positions").EnumerateArray().Select(p => p.GetInt32()).ToArray();
        var reference = root.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

        var model = format == "llama2c" ? LlamaLoader.Load(SharedAssets.Stories260KBin) : Model.Value;
        using var logits = model.forward(tensor(tokens, [1, tokens.Length]));                    // (1, T, vocab)
        var maxDifference = 0.0;
        for (var i = 0; i < positions.Length; i++)
        {
            var row = logits[0, positions[i]].data<float>().ToArray();
            maxDifference = Math.Max(maxDifference, row.Zip(reference[i], (a, b) => Math.Abs(a - b)).Max());
        }

        TestContext.Out.WriteLine($"{format}: max |logit - reference| = {maxDifference:E2}");
        Assert.That(maxDifference, Is.LessThan(1e-4));
    }

    [Test]
    public void Encode_ReferenceText_GivesFixtureTokens()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedAssets.Fixture("reference_logits.json")));
        var tokens = document.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
        var tokenizer = TokenizerLoader.ForModel(SharedAssets.Stories260K, Model.Value.Config);
        Assert.That(tokenizer.Encode("Once upon a time, there was a little girl named Lily."), Is.EqualTo(tokens));
    }

    [Test]
    public void Forward_WithKvCacheInChunks_EqualsFullForward()
    {
        var model = Model.Value;
        using var ids = tensor(new long[] { 1, 403, 407, 261, 378, 432, 383, 286, 261 }, [1, 9]);
        using var full = model.forward(ids);                                                     // (1, 9, vocab)
        using var cache = new KvCache(model.Config, 1, 16, CPU, ScalarType.Float32);
        using var first = model.forward(ids.narrow(1, 0, 4), cache);                            // prefill 4
        using var middle = model.forward(ids.narrow(1, 4, 3), cache);                           // 3 more, masked
        using var last = model.forward(ids.narrow(1, 7, 2), cache);
        using var chunked = cat([first, middle, last], 1);
        Assert.That(cache.Length, Is.EqualTo(9));
        Assert.That((chunked - full).abs().max().item<float>(), Is.LessThan(1e-4f));
    }

    [Test]
    public void Forward_Repeated_LeavesNoLiveTensorsBehind()
    {
        var model = Model.Value;
        using var ids = tensor(new long[] { 1, 403, 407, 261 }, [1, 4]);
        using (model.forward(ids))
        {
        }

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 20; i++)
        {
            using var cache = new KvCache(model.Config, 1, 8, CPU, ScalarType.Float32);
            using var prefill = model.forward(ids, cache);
            using var next = ids.narrow(1, 0, 1);
            using var step = model.forward(next, cache);
            using var full = model.forward(ids);
        }

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }

    [Test]
    public void Forward_Batch_EqualsEachSequenceAlone()
    {
        var model = Model.Value;
        using var batch = tensor(new long[] { 1, 403, 407, 261, 1, 378, 432, 383 }, [2, 4]);      // (B, T)
        using var together = model.forward(batch);
        using var firstIds = batch.narrow(0, 0, 1);
        using var secondIds = batch.narrow(0, 1, 1);
        using var first = model.forward(firstIds);
        using var second = model.forward(secondIds);
        using var alone = cat([first, second], 0);
        Assert.That((together - alone).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void Backward_AdamWSteps_LowerLossAndReachTiedEmbedding()
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        model.train();
        using var ids = tensor(new long[] { 1, 77, 300, 12, 451, 9, 230, 88, 140, 500 }, [1, 10]);   // unlikely text: high loss to lower
        using var inputs = ids.narrow(1, 0, 9);
        using var targets = ids.narrow(1, 1, 9);
        var optimizer = optim.AdamW(model.parameters(), lr: 3e-3);
        var losses = new List<float>();
        for (var step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = Workflows.Torch.Evaluation.LanguageModelLoss.CrossEntropy(model.forward(inputs), targets);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        using var embedding = model.model.embed_tokens.weight!;
        Assert.That(embedding.grad, Is.Not.Null, "the tied head must send gradient into the embedding");
        Assert.That(losses[^1], Is.LessThan(losses[0] * 0.8f), string.Join(", ", losses));
        TestContext.Out.WriteLine(string.Join(", ", losses));
    }

    [Test]
    [Category("Gpu")]
    public void Forward_OnCuda_MatchesCpu()
    {
        Assume.That(cuda.is_available(), Is.True, "no CUDA here");
        var onGpu = LlamaLoader.Load(SharedAssets.Stories260K, Workflows.Torch.Devices.DeviceSelector.Resolve("cuda"));
        using var ids = tensor(new long[] { 1, 403, 407, 261 }, [1, 4]);
        using var gpuIds = ids.cuda();
        using var expected = Model.Value.forward(ids);
        using var actual = onGpu.forward(gpuIds).cpu();
        Assert.That((actual - expected).abs().max().item<float>(), Is.LessThan(1e-3f));
    }

    [Test]
    public void Forward_Bfloat16_StaysCloseToFloat32()
    {
        var bf16 = LlamaLoader.Load(SharedAssets.Stories260K, dtype: ScalarType.BFloat16);
        using var ids = tensor(new long[] { 1, 403, 407, 261 }, [1, 4]);
        using var expected = Model.Value.forward(ids);
        using var actual = bf16.forward(ids);
        Assert.That(actual.dtype, Is.EqualTo(ScalarType.BFloat16));
        Assert.That((actual.to_type(ScalarType.Float32) - expected).abs().max().item<float>(), Is.LessThan(0.5f));
    }

    [Test]
    public void Replace_QProjWithWrapper_WrapperRunsAndKeepsNames()
    {
        var model = LlamaLoader.Load(SharedAssets.Stories260K);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        using var ids = tensor(new long[] { 1, 403, 407 }, [1, 3]);
        using var before = model.forward(ids);
        var linears = ModuleSurgery.Linears(model).Select(l => l.Path).ToList();
        Assert.That(linears, Has.Count.EqualTo(35).And.Contain("model.layers.4.mlp.down_proj"));

        var wrapper = (DoublingWrapper)ModuleSurgery.Replace(model, "model.layers.0.self_attn.q_proj", inner => new DoublingWrapper(inner));
        using var after = model.forward(ids);
        Assert.That(wrapper.Calls, Is.EqualTo(1));
        Assert.That(TensorAssert.Identical(after, before), Is.False);
        Assert.That(model.named_parameters().Select(p => p.name), Is.EquivalentTo(names.Select(n => n.Replace("layers.0.self_attn.q_proj.weight", "layers.0.self_attn.q_proj.inner.weight"))));
    }

    private sealed class DoublingWrapper : nn.Module<Tensor, Tensor>
    {
        public nn.Module<Tensor, Tensor> inner;

        public DoublingWrapper(nn.Module<Tensor, Tensor> inner)
            : base(nameof(DoublingWrapper))
        {
            this.inner = inner;
            RegisterComponents();
        }

        public int Calls { get; private set; }

        public override Tensor forward(Tensor x)
        {
            Calls++;
            return inner.forward(x) * 2;
        }
    }
}
