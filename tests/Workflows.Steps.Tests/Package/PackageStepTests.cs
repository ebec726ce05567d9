using Workflows.Engine.Steps;
using Workflows.Steps.Package;
using Workflows.Steps.Tests.Merge;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Tests.Package;

public class PackageStepTests
{
    private static async Task<(StepResult Result, TestStepContext Context)> Run(Func<TestStepContext, PackageOptions> options, TestStepContext? context = null)
    {
        context ??= new TestStepContext();
        var result = await new PackageStep().RunAsync(options(context), context, CancellationToken.None);
        return (result, context);
    }

    [Test]
    public async Task RunAsync_Model_RoundTripGeneratesSameGreedyTextAsSource()
    {
        var (result, context) = await Run(_ => new PackageOptions { Model = TinyAdapters.Stories260K });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            var folder = context.Outputs["package"];
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName),
                Is.SupersetOf(new[] { "config.json", "model.safetensors", "tokenizer.model", "generation_config.json", "README.md", "checksums.sha256" }));
            Assert.That(PackageChecksums.Verify(folder), Is.Empty);
            Assert.That(Greedy(folder), Is.EqualTo(Greedy(TinyAdapters.Stories260K)));
            Assert.That(context.Artifacts, Does.Contain(folder));
        }
    }

    [Test]
    public async Task RunAsync_Bf16_StoresBf16WeightsAndConfigDtype()
    {
        var (result, context) = await Run(_ => new PackageOptions { Model = TinyAdapters.Stories260K, Dtype = PackageDtype.Bf16 });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            var folder = context.Outputs["package"];
            using var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
            Assert.That(file.Tensors.Select(t => t.Dtype.ToString()).Distinct(), Is.EquivalentTo(new[] { "BF16" }));
            Assert.That(File.ReadAllText(Path.Combine(folder, "config.json")), Does.Contain("\"torch_dtype\": \"bfloat16\""));
        }
    }

    [Test]
    public async Task RunAsync_AdapterWithReports_CardHoldsLineageAndReportTables()
    {
        var context = new TestStepContext();
        var adapter = TinyAdapters.Write(Path.Combine(context.Root, "inputs", "adapter"), seed: 3);
        var report = Directory.CreateDirectory(Path.Combine(context.Root, "inputs", "evaluate")).FullName;
        File.WriteAllText(Path.Combine(report, "report.md"), "# Evaluation\n\n| metric | value |\n|---|---|\n| perplexity | 12.5 |\n\n![base vs adapters](chart.png)\n");
        File.WriteAllBytes(Path.Combine(report, "chart.png"), [0x89, 0x50, 0x4E, 0x47]);
        var (result, _) = await Run(_ => new PackageOptions { Adapter = adapter, BaseModel = TinyAdapters.Stories260K, Reports = [report], Title = "tiny" }, context);
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            var card = File.ReadAllText(Path.Combine(context.Outputs["package"], "README.md"));
            Assert.That(card, Does.Contain("library_name: peft").And.Contain("adapter for `../shared/models/stories260K`").And.Not.Contain("base_model:").And.Contain("| perplexity | 12.5 |").And.Contain("#### Evaluation"));
            Assert.That(File.Exists(Path.Combine(context.Outputs["package"], "adapter_model.safetensors")), Is.True);
            // The report's chart travels with the card, and the checksums cover it.
            Assert.That(card, Does.Contain("![base vs adapters](report1-chart.png)"));
            Assert.That(File.ReadAllBytes(Path.Combine(context.Outputs["package"], "report1-chart.png")), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
            Assert.That(File.ReadAllText(Path.Combine(context.Outputs["package"], "checksums.sha256")), Does.Contain("report1-chart.png"));
        }
    }

    [TestCase("model.safetensors")]
    [TestCase("config.json")]
    public async Task Verify_OneByteFlipped_RefusedWithChecksumMismatch(string file)
    {
        var (result, context) = await Run(_ => new PackageOptions { Model = TinyAdapters.Stories260K });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            var folder = context.Outputs["package"];
            var path = Path.Combine(folder, file);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(path, bytes);
            var (problem, smoke) = PackageVerifier.Verify(folder, null, "Once", 4);
            Assert.That(problem, Does.Contain($"{file}: checksum mismatch"));
            Assert.That(smoke, Is.Null);
        }
    }

    [Test]
    public async Task Verify_TruncatedWeightsWithRewrittenManifest_RefusedByLoader()
    {
        var (result, context) = await Run(_ => new PackageOptions { Model = TinyAdapters.Stories260K });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            var folder = context.Outputs["package"];
            var path = Path.Combine(folder, "model.safetensors");
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            PackageChecksums.Write(folder);
            var (problem, _) = PackageVerifier.Verify(folder, null, "Once", 4);
            Assert.That(problem, Does.StartWith($"package {folder} does not load:"));
        }
    }

    [Test]
    public async Task Verify_FileAddedAfterPackaging_Refused()
    {
        var (result, context) = await Run(_ => new PackageOptions { Model = TinyAdapters.Stories260K });
        using (context)
        {
            Assert.That(result.Success, Is.True, result.Error);
            var folder = context.Outputs["package"];
            File.WriteAllText(Path.Combine(folder, "extra.bin"), "x");
            Assert.That(PackageChecksums.Verify(folder), Is.EqualTo(new[] { "extra.bin: not listed in checksums.sha256; it was added after packaging" }));
        }
    }

    [Test]
    public async Task RunAsync_RegisterAs_RegistersLoggedPackageAndCardHoldsLineage()
    {
        using var inner = new TestStepContext();
        var context = new RegisteringContext(inner);
        var result = await new PackageStep().RunAsync(new PackageOptions { Model = TinyAdapters.Stories260K, RegisterAs = "tiny-model" }, context, CancellationToken.None);
        Assert.That(result.Success, Is.True, result.Error);
        Assert.That(context.Registered, Is.EqualTo(new[] { ("tiny-model", "package") }));
        Assert.That(inner.Logs, Has.Some.Contains("registered 'tiny-model' version 1"));
        var card = File.ReadAllText(Path.Combine(inner.Outputs["package"], "README.md"));
        Assert.That(card, Does.Contain("# tiny-model").And.Contain("| workflow | `demo` |").And.Contain("| git commit | `abc123` |").And.Contain("| input `split.train` digest | `d1g3st` |"));
    }

    [Test]
    public void Validate_ModelAndAdapterBoth_Reported()
    {
        var options = new PackageOptions { Model = "m", Adapter = "a" };
        Assert.That(options.Validate().Single().Message, Does.Contain("exactly one of model and adapter"));
    }

    private static string Greedy(string folder)
    {
        using var model = LlamaLoader.Load(folder);
        var tokenizer = TokenizerLoader.ForModel(folder, model.Config);
        return TextGenerator.Generate(model, tokenizer, "Once upon a time", new GenerationOptions { MaxTokens = 24 }).Text;
    }
}
