"""Import of out-migrant / returnee surveys (在外人员/返乡人员信息登记表) sent in by townships."""
