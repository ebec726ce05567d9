using NUnit.Framework;
using System.Text.Json.Nodes;
using Workflows.Engine.Tracking;

namespace Workflows.Engine.Tests.Tracking;

public sealed class TrackingParamsTests
{
    [Test]
    public void Flatten_NestedOptions_GivesDottedKeysAndKeepsListsWhole()
    {
        var node = JsonNode.Parse("""{"lora":{"rank":8,"alpha":16.5,"target_modules":["q_proj","v_proj"]},"method":"lora","seed":null,"extra":{}}""");

        var flat = TrackingParams.Flatten(node);

        Assert.That(flat, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["lora.rank"] = "8",
            ["lora.alpha"] = "16.5",
            ["lora.target_modules"] = "[\"q_proj\",\"v_proj\"]",
            ["method"] = "lora",
            ["seed"] = "null",
            ["extra"] = "{}",
        }));
    }
}
