using NUnit.Framework;
using Workflows.Engine.Execution.Slurm;

namespace Workflows.Engine.Tests.Execution.Slurm;

public class SlurmJobTableTests
{
    [Test]
    public void Save_NothingChanged_DoesNotWriteAgain()
    {
        var run = Directory.CreateTempSubdirectory("wf-jobs-").FullName;
        try
        {
            var path = Path.Combine(SlurmJobTable.DirectoryOf(run), SlurmJobTable.File);
            var table = new SlurmJobTable { Jobs = [new SlurmJobEntry { Step = "train", JobId = "7" }] };
            Assert.That(table.Save(run), Is.True, "a new table is written");
            File.WriteAllText(path, File.ReadAllText(path) + " "); // marks the file: a write would replace it
            Assert.That(table.Save(run), Is.False);
            Assert.That(File.ReadAllText(path), Does.EndWith(" "));

            table.Jobs[0].State = "RUNNING";
            Assert.That(table.Save(run), Is.True);
            Assert.That(SlurmJobTable.Load(run)!.Jobs[0].State, Is.EqualTo("RUNNING"));

            var loaded = SlurmJobTable.Load(run)!;
            Assert.That(loaded.Save(run), Is.False, "a table as read is already on disk");
            loaded.Device = "cuda";
            Assert.That(loaded.Save(run), Is.True);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }
}
