using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class LabelTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "label_templates",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    normalized_name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    width_mm = table.Column<int>(type: "INTEGER", nullable: false),
                    height_mm = table.Column<int>(type: "INTEGER", nullable: false),
                    fields = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    carrier_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    is_default = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_label_templates", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_label_templates_normalized_name",
                table: "label_templates",
                column: "normalized_name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "label_templates");
        }
    }
}
