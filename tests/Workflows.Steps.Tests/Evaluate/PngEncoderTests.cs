using System.Text;
using Workflows.Steps.Evaluate.Charts;

namespace Workflows.Steps.Tests.Evaluate;

[TestFixture]
public sealed class PngEncoderTests
{
    private static byte[] Gradient(int width, int height, int channels) =>
        Enumerable.Range(0, width * height * channels).Select(i => (byte)(i * 7)).ToArray();

    [Test]
    public void Crc32_StandardCheckString_GivesTheCatalogueValue()
    {
        Assert.That(Crc32.Compute(Encoding.ASCII.GetBytes("123456789")), Is.EqualTo(0xCBF43926u));
    }

    [Test]
    public void Encode_Image_HasTheSignatureAndOneIdatBetweenIhdrAndIend()
    {
        var png = PngEncoder.Encode(3, 2, 3, Gradient(3, 2, 3));
        Assert.That(png.Take(8), Is.EqualTo(DecodedPng.Signature));
        Assert.That(DecodedPng.Chunks(png).Select(c => c.Type), Is.EqualTo(new[] { "IHDR", "IDAT", "IEND" }));
    }

    [Test]
    public void Encode_Image_EveryChunkCrcCoversItsTypeAndData()
    {
        var chunks = DecodedPng.Chunks(PngEncoder.Encode(5, 4, 4, Gradient(5, 4, 4)));
        foreach (var (type, data, crc) in chunks)
            Assert.That(crc, Is.EqualTo(Crc32.Compute([.. Encoding.ASCII.GetBytes(type), .. data])), type);
        // Every PNG's empty IEND chunk has this CRC: a check independent of the Crc32 class.
        Assert.That(chunks[^1].Crc, Is.EqualTo(0xAE426082u));
    }

    [TestCase(3, 2u)]
    [TestCase(4, 6u)]
    public void Encode_Image_InflatesToTheSameSizeFilterNoneRowsAndPixels(int channels, uint colourType)
    {
        var pixels = Gradient(7, 5, channels);
        var png = PngEncoder.Encode(7, 5, channels, pixels);
        var header = DecodedPng.Chunks(png)[0].Data;
        var decoded = DecodedPng.Decode(png);
        Assert.Multiple(() =>
        {
            Assert.That((decoded.Width, decoded.Height), Is.EqualTo((7, 5)));
            Assert.That(header[8], Is.EqualTo(8), "bit depth");
            Assert.That(header[9], Is.EqualTo(colourType));
            Assert.That(decoded.FilterBytes, Has.Length.EqualTo(5).And.All.EqualTo(0));
            Assert.That(decoded.Pixels, Is.EqualTo(pixels));
        });
    }

    [Test]
    public void Encode_WrongPixelCount_Throws()
    {
        Assert.That(() => PngEncoder.Encode(2, 2, 3, new byte[11]), Throws.ArgumentException);
        Assert.That(() => PngEncoder.Encode(2, 2, 2, new byte[8]), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
