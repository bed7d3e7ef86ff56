args: matrix --domain d3fend --width 200
stdout-contains: Model
stdout-contains: 27 techniques
check: any(l.startswith('Asset Inventory ') for l in lines) and any(l.startswith('  Configuration Inventory ') for l in lines)
check: any('  Process Termination' in l for l in lines)
