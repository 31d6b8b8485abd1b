using Shelfbook.Access;
using Shelfbook.Catalog;
using Shelfbook.Channels;
using Shelfbook.Fulfillment;
using Shelfbook.Inventory;
using Shelfbook.Logistics;
using Shelfbook.Orders;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Web;

/// <summary>The modules this host runs. Adding a module means adding one line here (and to the migration factories).</summary>
public static class ShelfbookModules
{
    public static ModuleSet Create() => new([new CatalogModule(), new InventoryModule(), new ChannelsModule(), new LogisticsModule(), new OrdersModule(), new FulfillmentModule(), new AccessModule()]);
}
