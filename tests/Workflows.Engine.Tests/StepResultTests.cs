using NUnit.Framework;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Tests;

public class StepResultTests
{
    [Test]
    public void Failed_KeepsMessage_AndIsNotSuccess()
    {
        var result = StepResult.Failed("gate perplexity: 30 > 20");
        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Is.EqualTo("gate perplexity: 30 > 20"));
    }
}
