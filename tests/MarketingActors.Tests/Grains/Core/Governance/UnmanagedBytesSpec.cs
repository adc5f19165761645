using MarketingActors.Core.Governance;

namespace MarketingActors.Tests.Grains.Core.Governance;

public sealed class UnmanagedBytesSpec
{
    [Fact]
    public void Gives_back_exactly_the_bytes_it_was_given()
    {
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        using var held = new UnmanagedBytes(bytes);

        Assert.Equal(bytes.Length, held.Length);
        Assert.Equal(bytes, held.ToArray());
        Assert.Empty(new UnmanagedBytes([]).ToArray());
    }

    [Fact]
    public void Cannot_be_read_once_freed()
    {
        var held = new UnmanagedBytes([1, 2, 3]);
        held.Dispose();
        Assert.True(held.IsClosed);
        Assert.Throws<ObjectDisposedException>(() => held.ToArray());
    }
}
