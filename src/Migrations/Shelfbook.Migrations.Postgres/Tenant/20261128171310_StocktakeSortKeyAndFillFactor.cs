using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Postgres.Tenant
{
    /// <inheritdoc />
    public partial class StocktakeSortKeyAndFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "stock_balances")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AlterTable(
                name: "sku_costs")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AddColumn<string>(
                name: "sort_key",
                table: "stocktake_lines",
                type: "character varying(80)",
                maxLength: 80,
                nullable: false,
                defaultValue: "",
                collation: "C");

            migrationBuilder.CreateIndex(
                name: "ix_stocktake_lines_stocktake_id_sort_key",
                table: "stocktake_lines",
                columns: new[] { "stocktake_id", "sort_key" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_stocktake_lines_stocktake_id_sort_key",
                table: "stocktake_lines");

            migrationBuilder.DropColumn(
                name: "sort_key",
                table: "stocktake_lines");

            migrationBuilder.AlterTable(
                name: "stock_balances")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AlterTable(
                name: "sku_costs")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);
        }
    }
}
