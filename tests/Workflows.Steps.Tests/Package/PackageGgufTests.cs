using Workflows.Steps.Package;
using Workflows.Steps.Tests.Merge;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Gguf;

namespace Workflows.Steps.Tests.Package;

public class PackageGgufTests
{
    [Test]
    public async Task RunAsync_HfAndGguf_WritesBothCheckedInLlamaCpp()
    {
        using var context = new TestStepContext();
        var options = new PackageOptions
        {
            Model = TinyAdapters.Stories260K,
            Formats = [PackageFormat.Hf, PackageFormat.Gguf],
            Gguf = new GgufPackageOptions { Types = [GgufTensorType.Q8_0, GgufTensorType.F16], Template = PromptTemplate.Alpaca },
        };

        var result = await new PackageStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Success, Is.True, result.Error);
        var folder = context.Outputs["package"];
        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName),
            Is.SupersetOf(new[] { "config.json", "model.safetensors", "model-q8_0.gguf", "model-f16.gguf", "Modelfile", "README.md", "checksums.sha256" }));
        Assert.That(PackageChecksums.Verify(folder), Is.Empty);
        Assert.That(result.Metrics["gguf_q8_0_greedy_match"], Is.EqualTo(1));
        Assert.That(result.Metrics["gguf_f16_loglik_mean_abs_diff"], Is.LessThan(0.01));
        var modelfile = File.ReadAllText(Path.Combine(folder, "Modelfile"));
        Assert.That(modelfile, Does.StartWith("FROM ./model-q8_0.gguf\n").And.Contain("### Response:").And.Contain("PARAMETER stop \"</s>\""));
        Assert.That(File.ReadAllText(Path.Combine(folder, "README.md")), Does.Contain("ollama create"));
    }

    [Test]
    public async Task RunAsync_GgufOnly_NoHfWeights()
    {
        using var context = new TestStepContext();
        var options = new PackageOptions { Model = TinyAdapters.Stories260K, Formats = [PackageFormat.Gguf], Gguf = new GgufPackageOptions { Types = [GgufTensorType.Q4_0] } };

        var result = await new PackageStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Success, Is.True, result.Error);
        var files = Directory.GetFiles(context.Outputs["package"]).Select(Path.GetFileName).ToList();
        Assert.That(files, Does.Contain("model-q4_0.gguf").And.Not.Contains("model.safetensors"));
        Assert.That(File.ReadAllText(Path.Combine(context.Outputs["package"], "Modelfile")), Does.Not.Contain("TEMPLATE"));
    }

    [Test]
    public void Validate_GgufOfAnAdapter_Reported()
    {
        var options = new PackageOptions { Adapter = "a", Formats = [PackageFormat.Gguf] };

        Assert.That(options.Validate().Select(e => e.Message), Has.Some.Contains("gguf packages a full model"));
    }

    [Test]
    public void Validate_CustomTemplate_Reported()
    {
        var options = new PackageOptions { Model = "m", Gguf = new GgufPackageOptions { Template = PromptTemplate.Custom } };

        Assert.That(options.Validate().Single().Key, Is.EqualTo("gguf.template"));
    }
}
