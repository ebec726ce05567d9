using NUnit.Framework;
using Workflows.Torch.Engine;

namespace Workflows.Cli.Tests;

/// <summary>A bad <c>WF_CPU_WORKERS</c> stops a computing command before it starts, with one line naming the variable.</summary>
public class CpuWorkersSettingTests
{
    [TestCase("run")]
    [TestCase("generate")]
    public void Command_WorkersNotAWholeNumber_ExitsTwoNamingTheVariable(string command)
    {
        var result = WfProcess.Run(Path.GetTempPath(), new Dictionary<string, string> { [InferenceWorkers.Variable] = "two" }, TimeSpan.FromMinutes(1), command, "anything.yaml");
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Out);
        Assert.That(result.Error.Trim(), Does.StartWith("wf: WF_CPU_WORKERS='two': set a whole number of CPU workers from 1 to 256"));
    }
}
