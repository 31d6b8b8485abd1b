using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shelfbook.Logistics.Domain;

namespace Shelfbook.Logistics.Data;

internal sealed class CarrierConfiguration : IEntityTypeConfiguration<Carrier>
{
    public void Configure(EntityTypeBuilder<Carrier> builder)
    {
        builder.ToTable("carriers");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Code).HasMaxLength(Carrier.CodeMax);
        builder.Property(c => c.NormalizedCode).HasMaxLength(Carrier.CodeMax);
        builder.HasIndex(c => c.NormalizedCode).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(Carrier.NameMax);
    }
}

internal sealed class CarrierServiceConfiguration : IEntityTypeConfiguration<CarrierService>
{
    public void Configure(EntityTypeBuilder<CarrierService> builder)
    {
        builder.ToTable("carrier_services");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Code).HasMaxLength(CarrierService.CodeMax);
        builder.Property(s => s.Name).HasMaxLength(CarrierService.NameMax);
        builder.HasOne<Carrier>().WithMany().HasForeignKey(s => s.CarrierId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.CarrierId, s.Code }).IsUnique();
    }
}

internal sealed class RateTableConfiguration : IEntityTypeConfiguration<RateTable>
{
    public void Configure(EntityTypeBuilder<RateTable> builder)
    {
        builder.ToTable("rate_tables");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Name).HasMaxLength(RateTable.NameMax);
        builder.Property(t => t.Currency).HasMaxLength(3);
        builder.HasOne<CarrierService>().WithMany().HasForeignKey(t => t.ServiceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(t => new { t.ServiceId, t.WarehouseId });
    }
}

internal sealed class RateZoneConfiguration : IEntityTypeConfiguration<RateZone>
{
    public void Configure(EntityTypeBuilder<RateZone> builder)
    {
        builder.ToTable("rate_zones");
        builder.HasKey(z => z.Id);
        builder.Property(z => z.Name).HasMaxLength(RateZone.NameMax);
        builder.HasOne<RateTable>().WithMany().HasForeignKey(z => z.TableId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(z => new { z.TableId, z.Position });
    }
}

internal sealed class CarrierRuleConfiguration : IEntityTypeConfiguration<CarrierRule>
{
    public void Configure(EntityTypeBuilder<CarrierRule> builder)
    {
        builder.ToTable("carrier_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(CarrierRule.NameMax);
        builder.Property(r => r.Strategy).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class WaybillAccountConfiguration : IEntityTypeConfiguration<WaybillAccount>
{
    public void Configure(EntityTypeBuilder<WaybillAccount> builder)
    {
        builder.ToTable("waybill_accounts");
        builder.HasKey(a => a.Id);
        // One account per carrier; it goes with its carrier.
        builder.HasOne<Carrier>().WithMany().HasForeignKey(a => a.CarrierId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.CarrierId).IsUnique();
        builder.Property(a => a.ApiUrl).HasMaxLength(WaybillAccount.UrlMax);
        builder.Property(a => a.AppKey).HasMaxLength(WaybillAccount.KeyMax);
        builder.Property(a => a.CustomerCode).HasMaxLength(WaybillAccount.KeyMax);
        builder.Property(a => a.ProtectedSecret).HasMaxLength(2000);
    }
}

internal sealed class SenderAddressConfiguration : IEntityTypeConfiguration<SenderAddress>
{
    public void Configure(EntityTypeBuilder<SenderAddress> builder)
    {
        builder.ToTable("sender_addresses");
        builder.HasKey(s => s.WarehouseId);
        builder.Property(s => s.Name).HasMaxLength(SenderAddress.NameMax);
        builder.Property(s => s.Phone).HasMaxLength(SenderAddress.PhoneMax);
        builder.Property(s => s.Province).HasMaxLength(SenderAddress.AreaMax);
        builder.Property(s => s.City).HasMaxLength(SenderAddress.AreaMax);
        builder.Property(s => s.District).HasMaxLength(SenderAddress.AreaMax);
        builder.Property(s => s.Address).HasMaxLength(SenderAddress.AddressMax);
    }
}
