using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class SkuCostOnHandAndFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "stock_balances")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50)
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AlterTable(
                name: "sku_costs")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50)
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AddColumn<long>(
                name: "on_hand",
                table: "sku_costs",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Cost rows that exist already start from the balances' on hand over every warehouse and condition.
            migrationBuilder.Sql(
                "UPDATE sku_costs SET on_hand = COALESCE((SELECT SUM(b.on_hand) FROM stock_balances b WHERE b.sku_id = sku_costs.sku_id), 0)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "on_hand",
                table: "sku_costs");

            migrationBuilder.AlterTable(
                name: "stock_balances")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80)
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);

            migrationBuilder.AlterTable(
                name: "sku_costs")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80)
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);
        }
    }
}
