using Shelfbook.Catalog.Contracts;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Connectors;

/// <summary>The connectors this installation has, by catalog platform (adding a platform is adding its folder and listing it here).</summary>
public sealed class ConnectorRegistry(IEnumerable<IOrderConnector> connectors)
{
    private readonly Dictionary<ShopPlatform, IOrderConnector> _byPlatform =
        connectors.SelectMany(c => c.Platforms.Select(p => (p, c))).ToDictionary(x => x.p, x => x.c);

    public IOrderConnector? Find(ShopPlatform platform) => _byPlatform.GetValueOrDefault(platform);

    public IOrderConnector For(ShopPlatform platform) =>
        Find(platform) ?? throw new RuleViolatedException("connection.platform_unsupported", $"Shelfbook has no connector for {platform} yet.", platform.ToString());
}
