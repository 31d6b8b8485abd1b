using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class StocktakeSortKeyAndFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "sort_key",
                table: "stocktake_lines",
                type: "TEXT",
                maxLength: 80,
                nullable: false,
                defaultValue: "");

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
        }
    }
}
