using Shelfbook.Catalog.Contracts;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Connectors;

/// <summary>The connectors this installation has, by catalog platform (adding a platform is adding its folder and listing it here).</summary>
public sealed class ConnectorRegistry(IEnumerable<IPlatformConnector> connectors)
{
    private readonly Dictionary<ShopPlatform, IPlatformConnector> _byPlatform =
        connectors.SelectMany(c => c.Platforms.Select(p => (p, c))).ToDictionary(x => x.p, x => x.c);

    public IPlatformConnector? Find(ShopPlatform platform) => _byPlatform.GetValueOrDefault(platform);

    public IPlatformConnector For(ShopPlatform platform) =>
        Find(platform) ?? throw new RuleViolatedException("connection.platform_unsupported", $"Shelfbook has no connector for {platform} yet.", platform.ToString());
}
